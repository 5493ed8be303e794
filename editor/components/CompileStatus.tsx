import type { CompileState } from '../hooks/useCompile.ts';
import { Icon } from './Icon.tsx';

/** One line saying whether the strategy compiles, shown in the results panel's tab bar. */
export function CompileStatus({ state }: { state: CompileState }) {
  let cls = 'muted';
  let text = '';
  let icon: 'check' | 'alert' | 'clock' = 'clock';
  switch (state.status) {
    case 'idle':
      text = 'Not checked yet';
      break;
    case 'checking':
      text = 'Checking…';
      break;
    case 'ok':
      cls = 'pos';
      icon = 'check';
      text = `Compiles · warm-up ${state.warmup} bar${state.warmup === 1 ? '' : 's'}`;
      break;
    case 'errors':
      cls = 'neg';
      icon = 'alert';
      text = `${state.errors.length} problem${state.errors.length === 1 ? '' : 's'}`;
      break;
    case 'unavailable':
      cls = 'warn';
      icon = 'alert';
      text = `Could not check: ${state.message}`;
      break;
  }
  return (
    <span className={`compile-status ${cls}`} data-testid="compile-status" data-status={state.status}>
      <Icon name={icon} size={12} />
      {text}
    </span>
  );
}
