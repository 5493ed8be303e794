/*
 * The node API as it runs INSIDE an isolate: `defineNode`, the `z` params builder, the seeded
 * Math.random, the removal of clocks and code generation, and the batch runner.
 *
 * This file is read as text by the sandbox process and evaluated in every fresh context before the
 * user's module; its completion value is the `bootstrap` function below. It is not imported by host
 * code (it would mean nothing there). It is not a trust boundary: user code shares this context and can
 * tamper with anything reachable. The boundary is the isolate itself, and the host validates all that
 * leaves it. What this file does is make honest nodes deterministic and give mistakes clear messages,
 * and it captures the intrinsics it needs before user code runs so tampering mostly hurts only the node
 * that does it.
 *
 * The public surface must match api/node-api.d.ts.
 */
(function bootstrap(seed) {
  'use strict';
  const G = globalThis;
  // Intrinsics, captured before any user code runs.
  const create = Object.create;
  const keys = Object.keys;
  const freeze = Object.freeze;
  const seal = Object.seal;
  const defineProperty = Object.defineProperty;
  const getPrototypeOf = Object.getPrototypeOf;
  const isArray = Array.isArray;
  const apply = Reflect.apply;
  const stringify = JSON.stringify;
  const parseJson = JSON.parse;
  const isFinite = Number.isFinite;
  const isInteger = Number.isInteger;
  const toString = String;
  const F64 = Float64Array;
  const MakeFunction = Function;
  const ErrorCtor = Error;
  const TypeErrorCtor = TypeError;
  const EvalErrorCtor = EvalError;
  const WeakSetCtor = WeakSet;
  const weakSetAdd = WeakSet.prototype.add;
  const weakSetHas = WeakSet.prototype.has;
  const regExpExec = RegExp.prototype.exec;
  const strSlice = String.prototype.slice;
  const imul = Math.imul;

  const API_MODULE = 'tradeloom/node';
  const IDENTIFIER = /^[a-z][a-zA-Z0-9]{0,63}$/;
  const PORT_KINDS = freeze(create(null, { price: { value: true }, number: { value: true }, bool: { value: true } }));
  const matches = (re, s) => apply(regExpExec, re, [s]) !== null;
  const clip = (s) => (s.length > 500 ? apply(strSlice, s, [0, 500]) + '…' : s);
  // Objects handed to user code inherit from this frozen, empty, null-prototype object: nothing to
  // inherit (no __proto__ accessor, no polluted Object.prototype), yet V8 keeps them in fast mode,
  // which Object.create(null) objects are not (their property reads in the bar loop cost ~10×).
  const EMPTY = freeze(create(null));

  // ---- State snapshots: JSON that keeps every number ----
  // JSON has no NaN, ±Infinity or −0, yet `{ value: NaN }` is the usual "not started yet": a restored
  // node would read null and compute something else than the node that was never saved (a deployment
  // restores its nodes on every bar). Such numbers travel as strings tagged with a leading U+0000; a
  // user string that already starts with U+0000 gets one more, so every value decodes to itself.
  // Snapshots carry `enc: 1` so ones taken before this encoding still restore as they were.
  const TAG = '\u0000';
  function encodeNumber(key, v) {
    if (typeof v === 'number') {
      if (v !== v) return TAG + 'NaN';
      if (v === 1 / 0) return TAG + 'Inf';
      if (v === -1 / 0) return TAG + '-Inf';
      if (v === 0 && 1 / v < 0) return TAG + '-0';
      return v;
    }
    if (typeof v === 'string' && v.length > 0 && v[0] === TAG) return TAG + v;
    return v;
  }
  function decodeNumber(key, v) {
    if (typeof v !== 'string' || v.length === 0 || v[0] !== TAG) return v;
    const rest = apply(strSlice, v, [1]);
    if (rest.length > 0 && rest[0] === TAG) return rest;
    if (rest === 'NaN') return NaN;
    if (rest === 'Inf') return 1 / 0;
    if (rest === '-Inf') return -1 / 0;
    if (rest === '-0') return -0;
    return v;
  }

  // ---- Determinism: a seeded Math.random, no clocks, no timers, no GC-observable objects ----
  // sfc32, seeded through splitmix32: fast, 128-bit state that snapshots as four integers.
  let r0 = 0, r1 = 0, r2 = 0, r3 = 0;
  function seedRandom(s) {
    let x = s >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = imul(z ^ (z >>> 16), 0x85ebca6b);
      z = imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    r0 = next(); r1 = next(); r2 = next(); r3 = next();
  }
  function random() {
    const t = (((r0 + r1) | 0) + r3) | 0;
    r3 = (r3 + 1) | 0;
    r0 = r1 ^ (r1 >>> 9);
    r1 = (r2 + (r2 << 3)) | 0;
    r2 = (r2 << 21) | (r2 >>> 11);
    r2 = (r2 + t) | 0;
    return (t >>> 0) / 4294967296;
  }
  seedRandom(seed);
  defineProperty(Math, 'random', { value: random, writable: false, configurable: false, enumerable: false });

  for (const name of ['Date', 'Intl', 'performance', 'WebAssembly', 'SharedArrayBuffer', 'Atomics', 'WeakRef', 'FinalizationRegistry', 'eval', 'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'fetch', 'process', 'require']) {
    delete G[name];
  }

  // Code generation from strings: every function constructor refuses. (isolated-vm cannot switch
  // V8's own flag off per isolate, and nothing generated here could reach further than the isolate.)
  const refuseCodegen = function Function() {
    throw new EvalErrorCtor('code generation from strings is disabled in custom nodes');
  };
  for (const proto of [MakeFunction.prototype, getPrototypeOf(async function () {}), getPrototypeOf(function* () {}), getPrototypeOf(async function* () {})]) {
    defineProperty(proto, 'constructor', { value: refuseCodegen, writable: false, configurable: false, enumerable: false });
  }
  defineProperty(G, 'Function', { value: refuseCodegen, writable: false, configurable: false, enumerable: false });
  // V8 hands CallSite objects (getThis, getFunction) to this hook; locking it keeps stack formatting ours.
  defineProperty(ErrorCtor, 'prepareStackTrace', { value: undefined, writable: false, configurable: false, enumerable: false });

  // ---- z: a zod-compatible subset for params (number, boolean, enum) ----
  const schemas = new WeakSetCtor();
  const brand = (o) => {
    apply(weakSetAdd, schemas, [o]);
    return freeze(o);
  };
  const isSchema = (o) => (typeof o === 'object' || typeof o === 'function') && o !== null && apply(weakSetHas, schemas, [o]);

  function scalar(kind, spec) {
    const with_ = (patch) => {
      const next = create(null);
      const a = keys(spec);
      for (let i = 0; i < a.length; i++) next[a[i]] = spec[a[i]];
      const b = keys(patch);
      for (let i = 0; i < b.length; i++) next[b[i]] = patch[b[i]];
      return scalar(kind, next);
    };
    const self = {
      default(v) {
        check(kind, spec, v, 'default');
        return with_({ default: v, hasDefault: true });
      },
      describe(text) {
        if (typeof text !== 'string') throw new TypeErrorCtor('describe() takes a string');
        return with_({ description: text });
      },
    };
    if (kind === 'number') {
      const bound = (key, v, exclusive) => {
        if (typeof v !== 'number' || !isFinite(v)) throw new TypeErrorCtor(`${key}() takes a finite number`);
        return with_(exclusive ? { [key === 'gt' ? 'exclusiveMinimum' : 'exclusiveMaximum']: v } : { [key === 'min' || key === 'gte' ? 'minimum' : 'maximum']: v });
      };
      self.int = () => with_({ integer: true });
      self.min = (v) => bound('min', v, false);
      self.gte = (v) => bound('gte', v, false);
      self.max = (v) => bound('max', v, false);
      self.lte = (v) => bound('lte', v, false);
      self.gt = (v) => bound('gt', v, true);
      self.lt = (v) => bound('lt', v, true);
      self.positive = () => bound('gt', 0, true);
      self.nonnegative = () => bound('min', 0, false);
      self.negative = () => bound('lt', 0, true);
      self.nonpositive = () => bound('max', 0, false);
    }
    defineProperty(self, '_spec', { value: freeze(spec), enumerable: false });
    defineProperty(self, '_kind', { value: kind, enumerable: false });
    return brand(self);
  }

  /** Why `v` does not fit the scalar schema, or '' when it does. */
  function problem(kind, spec, v) {
    if (kind === 'boolean') return typeof v === 'boolean' ? '' : 'expected true or false';
    if (kind === 'enum') {
      for (let i = 0; i < spec.values.length; i++) if (spec.values[i] === v) return '';
      return `expected one of ${stringify(spec.values)}`;
    }
    if (typeof v !== 'number' || !isFinite(v)) return 'expected a finite number';
    if (spec.integer && !isInteger(v)) return 'expected an integer';
    if (spec.minimum !== undefined && v < spec.minimum) return `must be ≥ ${spec.minimum}`;
    if (spec.maximum !== undefined && v > spec.maximum) return `must be ≤ ${spec.maximum}`;
    if (spec.exclusiveMinimum !== undefined && !(v > spec.exclusiveMinimum)) return `must be > ${spec.exclusiveMinimum}`;
    if (spec.exclusiveMaximum !== undefined && !(v < spec.exclusiveMaximum)) return `must be < ${spec.exclusiveMaximum}`;
    return '';
  }
  function check(kind, spec, v, where) {
    const p = problem(kind, spec, v);
    if (p) throw new TypeErrorCtor(`${where}: ${p}`);
  }

  function object(shape) {
    if (typeof shape !== 'object' || shape === null || isArray(shape)) throw new TypeErrorCtor('z.object() takes an object of schemas');
    const fields = create(null);
    const names = keys(shape);
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      if (!matches(IDENTIFIER, name)) throw new TypeErrorCtor(`param name "${clip(toString(name))}" must be a camelCase identifier`);
      const s = shape[name];
      if (!isSchema(s) || s._kind === 'object') throw new TypeErrorCtor(`param "${name}" must be z.number(), z.boolean() or z.enum([...])`);
      if (!s._spec.hasDefault) throw new TypeErrorCtor(`param "${name}" needs a .default(…) so the node can be placed without configuration`);
      fields[name] = s;
    }
    const self = {
      parse(input) {
        const src = input === undefined ? create(null) : input;
        if (typeof src !== 'object' || src === null || isArray(src)) throw new TypeErrorCtor('params: expected an object');
        const out = create(EMPTY);
        const given = keys(src);
        for (let i = 0; i < given.length; i++) if (!(given[i] in fields)) throw new TypeErrorCtor(`params.${clip(toString(given[i]))}: unknown param`);
        const names = keys(fields);
        for (let i = 0; i < names.length; i++) {
          const k = names[i];
          const f = fields[k];
          const v = src[k] === undefined ? f._spec.default : src[k];
          check(f._kind, f._spec, v, `params.${k}`);
          out[k] = v;
        }
        return freeze(out);
      },
    };
    defineProperty(self, '_kind', { value: 'object', enumerable: false });
    defineProperty(self, '_fields', { value: freeze(fields), enumerable: false });
    return brand(self);
  }

  function jsonSchema(obj) {
    const properties = create(null);
    const names = keys(obj._fields);
    for (let i = 0; i < names.length; i++) {
      const k = names[i];
      const f = obj._fields[k];
      const s = f._spec;
      const p = create(null);
      if (f._kind === 'number') {
        p.type = s.integer ? 'integer' : 'number';
        if (s.minimum !== undefined) p.minimum = s.minimum;
        if (s.maximum !== undefined) p.maximum = s.maximum;
        if (s.exclusiveMinimum !== undefined) p.exclusiveMinimum = s.exclusiveMinimum;
        if (s.exclusiveMaximum !== undefined) p.exclusiveMaximum = s.exclusiveMaximum;
      } else if (f._kind === 'boolean') p.type = 'boolean';
      else {
        p.type = 'string';
        p.enum = s.values;
      }
      p.default = s.default;
      if (s.description !== undefined) p.description = s.description;
      properties[k] = p;
    }
    return { type: 'object', properties, additionalProperties: false };
  }

  // zod's other builders, named so that using one says what params may be instead of "is not a function".
  const unsupported = (name) => () => {
    throw new TypeErrorCtor(`z.${name}() is not supported in custom nodes: params are z.number(), z.boolean() or z.enum([...])`);
  };
  const z = freeze({
    string: unsupported('string'),
    array: unsupported('array'),
    date: unsupported('date'),
    literal: unsupported('literal'),
    union: unsupported('union'),
    record: unsupported('record'),
    tuple: unsupported('tuple'),
    bigint: unsupported('bigint'),
    any: unsupported('any'),
    unknown: unsupported('unknown'),
    number: () => scalar('number', create(null)),
    boolean: () => scalar('boolean', create(null)),
    enum(values) {
      if (!isArray(values) || values.length === 0) throw new TypeErrorCtor('z.enum() takes a non-empty array of strings');
      const copy = [];
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (typeof v !== 'string' || v.length === 0 || v.length > 64) throw new TypeErrorCtor('z.enum() options must be strings of 1 to 64 characters');
        copy[i] = v;
      }
      const spec = create(null);
      spec.values = freeze(copy);
      return scalar('enum', spec);
    },
    object,
  });

  // ---- defineNode and the module loader ----
  let defined = null;
  let token = null;

  function ports(side, value) {
    if (typeof value !== 'object' || value === null || isArray(value)) throw new TypeErrorCtor(`${side} must be an object of ports`);
    const out = create(null);
    const names = keys(value);
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      if (!matches(IDENTIFIER, name)) throw new TypeErrorCtor(`${side}: port name "${clip(toString(name))}" must be a camelCase identifier`);
      const spec = value[name];
      if (typeof spec !== 'object' || spec === null) throw new TypeErrorCtor(`${side}.${name} must be { kind, description? }`);
      const kind = spec.kind;
      const description = spec.description === undefined ? '' : spec.description;
      if (typeof kind !== 'string' || !(kind in PORT_KINDS)) throw new TypeErrorCtor(`${side}.${name}.kind must be 'price', 'number' or 'bool'`);
      if (typeof description !== 'string') throw new TypeErrorCtor(`${side}.${name}.description must be a string`);
      out[name] = freeze({ kind, description });
    }
    return freeze(out);
  }

  function defineNode(def) {
    if (defined !== null) throw new ErrorCtor('defineNode() may be called once per module');
    if (typeof def !== 'object' || def === null) throw new TypeErrorCtor('defineNode() takes an object');
    // Each field is read exactly once, so getters and proxies cannot answer differently later.
    const read = create(null);
    read.type = def.type;
    read.title = def.title;
    read.description = def.description;
    read.inputs = def.inputs;
    read.outputs = def.outputs;
    read.params = def.params;
    read.init = def.init;
    read.step = def.step;
    if (typeof read.type !== 'string') throw new TypeErrorCtor('type must be a string');
    if (typeof read.title !== 'string') throw new TypeErrorCtor('title must be a string');
    if (typeof read.description !== 'string') throw new TypeErrorCtor('description must be a string');
    if (!isSchema(read.params) || read.params._kind !== 'object') throw new TypeErrorCtor('params must be z.object({...}) built with the z from tradeloom/node');
    if (typeof read.init !== 'function') throw new TypeErrorCtor('init must be a function');
    if (typeof read.step !== 'function') throw new TypeErrorCtor('step must be a function');
    defined = freeze({
      type: read.type,
      title: read.title,
      description: read.description,
      inputs: ports('inputs', read.inputs),
      outputs: ports('outputs', read.outputs),
      params: read.params,
      init: read.init,
      step: read.step,
    });
    token = freeze(create(null));
    return token;
  }

  const api = freeze({ defineNode, z });
  function requireApi(name) {
    if (name === API_MODULE) return api;
    throw new ErrorCtor(`module "${clip(toString(name))}" is not available in custom nodes`);
  }

  /** The thrown value as one line, without trusting it: reading it may throw or lie. */
  function describe(e) {
    try {
      if (typeof e === 'object' && e !== null) {
        const name = e.name;
        const message = e.message;
        if (typeof message === 'string') return clip((typeof name === 'string' ? name + ': ' : '') + message);
      }
      return clip(toString(e));
    } catch {
      return 'a value that could not be described';
    }
  }

  // ---- The batch runner ----
  let instance = null;
  let bar = 0;
  // The runner's step context, read when a step throws.
  let runnerCtx = null;

  /** A loop specialised to this node's ports, generated from validated identifiers only (never other user strings). */
  function compileRunner(def) {
    const ins = keys(def.inputs);
    const outs = keys(def.outputs);
    // Plain loops and string concatenation only: user code may have replaced Array.prototype methods by now.
    for (let k = 0; k < ins.length; k++) if (!matches(IDENTIFIER, ins[k])) throw new TypeErrorCtor('bad input port name');
    for (let k = 0; k < outs.length; k++) if (!matches(IDENTIFIER, outs[k])) throw new TypeErrorCtor('bad output port name');
    let body = '"use strict";\nreturn function run(buf, n, bar0) {\nconst out = new F64(' + outs.length + ' * n);\n';
    for (let k = 0; k < ins.length; k++) body += 'const i' + k + ' = new F64(buf.buffer, buf.byteOffset + ' + k * 8 + ' * n, n);\n';
    for (let k = 0; k < outs.length; k++) body += 'const o' + k + ' = new F64(out.buffer, ' + k * 8 + ' * n, n);\n';
    body += 'for (let i = 0; i < n; i++) {\n';
    for (let k = 0; k < ins.length; k++) body += 'input.' + ins[k] + ' = i' + k + '[i];\n';
    for (let k = 0; k < outs.length; k++) body += 'o.' + outs[k] + ' = NaN;\n';
    body += 'ctx.bar = bar0 + i;\nstep(holder.state, params, input, o, ctx);\n';
    for (let k = 0; k < outs.length; k++) {
      const v = 'v' + k;
      body += 'let ' + v + ' = o.' + outs[k] + ';\n';
      if (def.outputs[outs[k]].kind === 'bool') {
        body += 'if (typeof ' + v + " === 'boolean') " + v + ' = ' + v + ' ? 1 : 0;\n';
        body += 'else if (typeof ' + v + " !== 'number' || (" + v + ' === ' + v + ' && ' + v + ' !== 0 && ' + v + ' !== 1)) return bad(' + k + ', i, ' + v + ');\n';
      } else body += 'if (typeof ' + v + " !== 'number') return bad(" + k + ', i, ' + v + ');\n';
      body += 'o' + k + '[i] = ' + v + ';\n';
    }
    body += '}\nreturn out;\n};';
    const bad = (k, i, v) => {
      const what = v === null ? 'null' : typeof v;
      const want = def.outputs[outs[k]].kind === 'bool' ? 'true, false, 1, 0 or NaN' : 'a number';
      return `output "${outs[k]}" at bar ${bar + i} must be ${want}, got ${what}`;
    };
    const input = seal(create(EMPTY, fieldsOf(ins)));
    const o = seal(create(EMPTY, fieldsOf(outs)));
    const ctx = seal(create(EMPTY, fieldsOf(['bar'])));
    runnerCtx = ctx;
    const factory = MakeFunction('F64', 'input', 'o', 'ctx', 'step', 'holder', 'params', 'bad', body);
    return (holder, params) => factory(F64, input, o, ctx, def.step, holder, params, bad);
  }
  function fieldsOf(names) {
    const d = create(null);
    for (let i = 0; i < names.length; i++) d[names[i]] = dataField(NaN);
    return d;
  }
  /** A null-prototype descriptor, so a getter planted on Object.prototype cannot turn it into an accessor. */
  function dataField(value) {
    const desc = create(null);
    desc.value = value;
    desc.writable = true;
    desc.enumerable = true;
    desc.configurable = false;
    return desc;
  }

  return freeze({
    /** Runs the transpiled CommonJS module; returns '' or why it is not a node. */
    load(moduleFn) {
      try {
        const module = { exports: create(null) };
        moduleFn(module.exports, requireApi, module);
        const exported = module.exports.default;
        if (defined === null) return 'the module must `export default defineNode({...})`';
        if (exported !== token) return 'the default export must be the value returned by defineNode()';
        return '';
      } catch (e) {
        return describe(e);
      }
    },
    /** The definition as JSON for the host (which validates it again), or 'E' + why. */
    meta() {
      try {
        const d = defined;
        if (keys(d.outputs).length === 0) return 'Ea node needs at least one output';
        const defaults = d.params.parse(undefined);
        return stringify({ type: d.type, title: d.title, description: d.description, inputs: d.inputs, outputs: d.outputs, params: jsonSchema(d.params), defaults });
      } catch (e) {
        return 'E' + describe(e);
      }
    },
    /** Makes this context's one instance; `snapshot` (JSON) restores instead of calling init. '', or 'P'/'I' + why params/init failed. */
    create(paramsJson, snapshotJson) {
      let params;
      try {
        params = defined.params.parse(parseJson(paramsJson));
      } catch (e) {
        return 'P' + describe(e);
      }
      try {
        const holder = create(null);
        holder.state = undefined;
        if (snapshotJson) {
          let snap = parseJson(snapshotJson);
          if (snap.enc === 1) snap = parseJson(snapshotJson, decodeNumber);
          holder.state = snap.state;
          bar = snap.bar;
          r0 = snap.rng[0] | 0; r1 = snap.rng[1] | 0; r2 = snap.rng[2] | 0; r3 = snap.rng[3] | 0;
        } else holder.state = defined.init(params);
        instance = freeze({ run: compileRunner(defined)(holder, params), holder });
        return '';
      } catch (e) {
        return 'I' + describe(e);
      }
    },
    /** One batch: a Float64Array of the output columns, or a string saying why the node failed. */
    run(buf, n) {
      try {
        const result = instance.run(buf, n, bar);
        if (typeof result === 'string') return result;
        bar += n;
        return result;
      } catch (e) {
        // The bar it threw on (ctx.bar, set before each step), which a user's own message seldom names.
        return `step threw at bar ${runnerCtx === null ? bar : runnerCtx.bar}: ${describe(e)}`;
      }
    },
    /** State, bar counter and random generator as JSON, or 'E' + why. */
    snapshot() {
      try {
        const json = stringify({ state: instance.holder.state, bar, rng: [r0, r1, r2, r3], enc: 1 }, encodeNumber);
        if (typeof json !== 'string') return 'Estate is not JSON-serialisable';
        return json;
      } catch (e) {
        return 'E' + describe(e);
      }
    },
  });
});
