/**
 * Why a sandbox call failed. The code is also the first word of the message (`SandboxCrashed: …`) so a
 * run's error log says what happened without the caller having to format it.
 */
export const sandboxErrorCodes = [
  /** The source was refused before it ran: too large, too deep, a forbidden import, a syntax or type error. */
  'SourceRejected',
  /** The module ran but what it exported is not a valid node definition. */
  'DefinitionInvalid',
  /** Params do not match the node's params schema. */
  'ParamsInvalid',
  /** The node's own code threw, or wrote an output that is not a number/boolean. */
  'NodeError',
  /** A call into the isolate ran past its time limit; the instance is unusable afterwards. */
  'Timeout',
  /** An isolate passed its memory limit and was disposed with every instance in it. */
  'MemoryLimit',
  /** The sandbox process died or was killed (it is restarted); calls in flight fail with this. */
  'SandboxCrashed',
  /** The handle refers to an instance that no longer exists (disposed, or lost in a restart). */
  'InstanceLost',
  /** Bad arguments from the host (wrong ports, wrong lengths), or a closed sandbox. */
  'InvalidRequest',
] as const;
export type SandboxErrorCode = (typeof sandboxErrorCodes)[number];

export class SandboxError extends Error {
  readonly code: SandboxErrorCode;

  constructor(code: SandboxErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'SandboxError';
    this.code = code;
  }
}

export function isSandboxErrorCode(x: unknown): x is SandboxErrorCode {
  return typeof x === 'string' && (sandboxErrorCodes as readonly string[]).includes(x);
}
