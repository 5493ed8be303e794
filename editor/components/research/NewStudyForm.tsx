import { useId, type ReactNode } from 'react';
import { researchKinds } from '../../../engine/research/config.ts';
import { MonteCarloMethod } from '../../../engine/research/montecarlo.ts';
import { RankMetric } from '../../../engine/research/rank.ts';
import { WindowMode } from '../../../engine/research/windows.ts';
import type { useDatasets } from '../../hooks/useDatasets.ts';
import { fmtInt } from '../../format.ts';
import { DataPicker, type DataPick } from '../DataPicker.tsx';
import { metricInfo } from '../results/metric-info.ts';
import { fieldLabels, gridCount, type SpaceDimension, type StudyField, type StudyForm } from './study-form.ts';
import { kindQuestion, kindText } from './study-text.ts';

interface Props {
  form: StudyForm;
  onForm: (form: StudyForm) => void;
  pick: DataPick;
  onPick: (pick: DataPick) => void;
  datasets: ReturnType<typeof useDatasets>;
  graphSource: string;
  space: readonly SpaceDimension[];
  totalBars: number | null;
  /** Messages by field, from the form's own check or the server's refusal. */
  errors: Partial<Record<StudyField, string>>;
  /** A refusal not tied to one field (compile errors, Temporal down). */
  startError: string | null;
  trials: number | null;
  busy: boolean;
  onStart: () => void;
}

const methodLabels: Record<MonteCarloMethod, string> = { blockBootstrap: 'Block bootstrap of returns', tradeBootstrap: 'Trade bootstrap', reshuffle: 'Trade reshuffle' };
const metricLabel = (m: string) => metricInfo.find((i) => i.key === m)?.label ?? m;

/** Start a study: its kind, the data, and that kind's settings, checked as typed with the engine's schemas. */
export function NewStudyForm(props: Props) {
  const { form, onForm, errors } = props;
  const set = <K extends keyof StudyForm>(key: K, value: StudyForm[K]) => onForm({ ...form, [key]: value });
  const text = (key: Exclude<keyof StudyForm, 'kind' | 'metric' | 'sampling' | 'windowMode' | 'method'>, help?: string, disabled = false) => (
    <Field key={key} field={key} error={errors[key]} help={help}>
      {(id) => (
        <input
          id={id}
          type="text"
          className={key.endsWith('Multipliers') ? undefined : 'numeric'}
          inputMode={key.endsWith('Multipliers') ? undefined : 'numeric'}
          spellCheck={false}
          autoComplete="off"
          value={form[key]}
          disabled={disabled}
          onChange={(e) => set(key, e.target.value)}
          aria-invalid={errors[key] ? true : undefined}
          data-testid={`study-${key}`}
        />
      )}
    </Field>
  );
  const searches = form.kind === 'sweep' || form.kind === 'walkForward';
  const errorList = Object.entries(errors) as [StudyField, string][];

  return (
    <form
      className="study-form"
      data-testid="study-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        props.onStart();
      }}
    >
      <div className="study-form-head">
        <div className="segmented study-kinds" role="radiogroup" aria-label="Kind of study">
          {researchKinds.map((k) => (
            <button key={k} type="button" role="radio" aria-checked={form.kind === k} className={form.kind === k ? 'is-on' : ''} onClick={() => set('kind', k)} data-testid={`study-kind-${k}`}>
              {kindText[k]}
            </button>
          ))}
        </div>
        <span className="muted study-question">{kindQuestion[form.kind]}</span>
      </div>
      <div className="study-grid">
        <div className={`field study-data${errors.data ? ' has-error' : ''}`}>
          <DataPicker pick={props.pick} onPick={props.onPick} datasets={props.datasets.datasets.data ?? []} graphSource={props.graphSource} upload={props.datasets.upload} uploading={props.datasets.uploading} />
          {props.pick.kind === 'synthetic' && props.totalBars !== null && <div className="field-help">{fmtInt(props.totalBars)} bars</div>}
        </div>

        {searches && (
          <div className={`field study-space${errors.space ? ' has-error' : ''}`} data-testid="study-space">
            <div className="study-label">{fieldLabels.space}</div>
            {props.space.length > 0 ? (
              <>
                <ul className="space-list">
                  {props.space.map((d) => (
                    <li key={d.key} className="mono">
                      <span>{d.key}</span>
                      <span className="muted">
                        {d.values.length > 1 ? `${d.values[0]} … ${d.values.at(-1)}` : d.values[0]} ({d.values.length})
                      </span>
                    </li>
                  ))}
                </ul>
                <div className="field-help">{fmtInt(gridCount(props.space))} combinations on the full grid</div>
              </>
            ) : (
              !errors.space && <div className="field-help">None yet: turn on Optimise beside a numeric param in the inspector.</div>
            )}
            {errors.space && <div className="field-error">{errors.space}</div>}
          </div>
        )}

        {searches && (
          <Field field="metric" error={errors.metric} help={form.metric === 'maxDrawdown' ? 'Minimised.' : 'Maximised.'}>
            {(id) => (
              <select id={id} value={form.metric} onChange={(e) => set('metric', e.target.value as StudyForm['metric'])} data-testid="study-metric">
                {RankMetric.options.map((m) => (
                  <option key={m} value={m}>
                    {metricLabel(m)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        {searches && (
          <Field field="sampling" error={errors.sampling} group help={form.sampling === 'grid' ? 'Every combination.' : 'Distinct combinations, same seed same set.'}>
            {(id) => (
              <div className="segmented" role="radiogroup" aria-labelledby={`${id}-label`}>
                {(['grid', 'random'] as const).map((s) => (
                  <button key={s} type="button" role="radio" aria-checked={form.sampling === s} className={form.sampling === s ? 'is-on' : ''} onClick={() => set('sampling', s)} data-testid={`study-sampling-${s}`}>
                    {s === 'grid' ? 'Grid' : 'Random'}
                  </button>
                ))}
              </div>
            )}
          </Field>
        )}
        {searches && form.sampling === 'random' && text('samples', 'Combinations to try.')}
        {searches && form.sampling === 'random' && text('samplingSeed')}

        {form.kind === 'walkForward' && (
          <Field field="windowMode" error={errors.windowMode} group help={form.windowMode === 'rolling' ? 'In-sample slides along.' : 'In-sample starts at bar 0 and grows.'}>
            {(id) => (
              <div className="segmented" role="radiogroup" aria-labelledby={`${id}-label`}>
                {WindowMode.options.map((m) => (
                  <button key={m} type="button" role="radio" aria-checked={form.windowMode === m} className={form.windowMode === m ? 'is-on' : ''} onClick={() => set('windowMode', m)} data-testid={`study-mode-${m}`}>
                    {m === 'rolling' ? 'Rolling' : 'Anchored'}
                  </button>
                ))}
              </div>
            )}
          </Field>
        )}
        {form.kind === 'walkForward' && text('inSampleBars', 'Bars each optimisation sees.')}
        {form.kind === 'walkForward' && text('outOfSampleBars', 'Bars each test runs on; windows move on by this much.')}

        {form.kind === 'monteCarlo' && (
          <Field field="method" error={errors.method} help={form.method === 'reshuffle' ? 'Same final return on every path; drawdowns vary.' : undefined}>
            {(id) => (
              <select id={id} value={form.method} onChange={(e) => set('method', e.target.value as StudyForm['method'])} data-testid="study-method">
                {MonteCarloMethod.options.map((m) => (
                  <option key={m} value={m}>
                    {methodLabels[m]}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        {form.kind === 'monteCarlo' && text('paths', '10 – 100,000.')}
        {form.kind === 'monteCarlo' && text('blockLength', form.method === 'blockBootstrap' ? 'Bars per block.' : 'Block bootstrap only.', form.method !== 'blockBootstrap')}
        {form.kind === 'monteCarlo' && text('mcSeed')}

        {form.kind === 'costSensitivity' && text('commissionMultipliers', 'Each commission part times these, 0 – 20.')}
        {form.kind === 'costSensitivity' && text('slippageMultipliers', 'Each slippage amount times these, 0 – 20.')}
      </div>
      <div className="study-form-foot">
        {errorList.length > 0 || props.startError ? (
          <ul className="study-errors" role="alert" data-testid="study-errors">
            {props.startError && <li>{props.startError}</li>}
            {errorList.map(([f, m]) => (
              <li key={f}>{m}</li>
            ))}
          </ul>
        ) : (
          <span className="muted" data-testid="study-estimate">
            {props.trials !== null ? `${fmtInt(props.trials)} ${form.kind === 'monteCarlo' ? 'batches of up to 100 paths' : 'trials'}` : ''}
            {props.totalBars !== null ? ` on ${fmtInt(props.totalBars)} bars` : ''}
          </span>
        )}
        <button type="submit" className="button primary" disabled={props.busy || (props.datasets.uploading && props.pick.kind === 'dataset')} data-testid="start-study">
          {props.busy ? 'Starting…' : `Start ${kindText[form.kind].toLowerCase()}`}
        </button>
      </div>
    </form>
  );
}

/** One labelled input; `group` for a segmented switch, which its label names by id rather than `for`. */
function Field({ field, error, help, group, children }: { field: StudyField; error?: string; help?: string; group?: boolean; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className={`field${error ? ' has-error' : ''}`} data-field={field}>
      {group ? (
        <div className="study-label" id={`${id}-label`}>
          {fieldLabels[field]}
        </div>
      ) : (
        <label htmlFor={id}>{fieldLabels[field]}</label>
      )}
      {children(id)}
      {error ? <div className="field-error">{error}</div> : help ? <div className="field-help">{help}</div> : null}
    </div>
  );
}
