import { useId, useState, type ReactNode } from 'react';
import type { RobustnessResult } from '../../api.ts';
import type { useDatasets } from '../../hooks/useDatasets.ts';
import type { Loadable } from '../../hooks/useResearch.ts';
import { DataPicker } from '../DataPicker.tsx';
import { Dialog } from '../Dialog.tsx';
import { RobustnessGate } from '../research/RobustnessGate.tsx';
import { liveConfirmed, modeText, promotionBlock, type PromoteField, type PromoteForm, type PromoteMode } from './deployment-view.ts';

interface Props {
  form: PromoteForm;
  onForm: (form: PromoteForm) => void;
  errors: Partial<Record<PromoteField, string>>;
  startError: string | null;
  busy: boolean;
  gate: Loadable<RobustnessResult>;
  onReloadGate: () => void;
  onShowStudy: (id: string) => void;
  datasets: ReturnType<typeof useDatasets>;
  graphSource: string;
  /** Start the deployment; `confirmed` once LIVE was typed for a live one. */
  onDeploy: (confirmed: boolean) => void;
}

const ladder: { mode: PromoteMode | 'backtest'; text: string }[] = [
  { mode: 'backtest', text: 'Backtest' },
  { mode: 'shadow', text: 'Shadow' },
  { mode: 'paper', text: 'Paper' },
  { mode: 'live', text: 'Live' },
];
const modeHelp: Record<PromoteMode, string> = {
  shadow: 'Orders are computed, risk-checked and recorded, never sent. Always allowed.',
  paper: 'Orders go to the paper venue and fill on the following bars with the strategy’s cost model.',
  live: 'Orders go to a real venue (Binance spot through ccxt, its testnet by default) with your API keys.',
};
const limitLabels: [keyof PromoteForm & PromoteField, string, string][] = [
  ['maxOrderQuantity', 'Max order quantity', 'units'],
  ['maxOrderNotional', 'Max order notional', 'quote'],
  ['maxPosition', 'Max position', 'units'],
  ['maxGrossExposure', 'Max gross exposure', 'quote'],
  ['priceCollarPct', 'Price collar', '%'],
  ['maxDrawdownPct', 'Max drawdown (halts)', '%'],
  ['maxDailyLossPct', 'Max daily loss (reduce-only)', '%'],
  ['throttleMaxOrders', 'Throttle: orders', 'per window'],
  ['throttleWindowSeconds', 'Throttle: window', 's'],
];

/**
 * Promote the strategy one step further: backtest → shadow → paper → live, fed by a replay of a
 * dataset or a synthetic series by default, with its risk limits and catch-up policy. Paper and live
 * wait for the robustness gate; live also asks for LIVE to be typed.
 */
export function PromotePanel(props: Props) {
  const { form, onForm, errors } = props;
  const id = useId();
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState('');
  const set = <K extends keyof PromoteForm>(key: K, value: PromoteForm[K]) => onForm({ ...form, [key]: value });
  const gatePass = props.gate.state === 'ready' ? props.gate.data.pass : null;
  const blocked = promotionBlock(form.mode, gatePass);
  const text = (key: keyof PromoteForm & PromoteField, label: string, unit?: string, type = 'text') => (
    <Field key={key} id={`${id}-${key}`} label={label} unit={unit} error={errors[key]}>
      <input
        id={`${id}-${key}`}
        type={type}
        className={type === 'text' && key !== 'symbol' && key !== 'name' && key !== 'baseUrl' && key !== 'apiKey' ? 'numeric' : undefined}
        spellCheck={false}
        autoComplete="off"
        value={form[key] as string}
        onChange={(e) => set(key, e.target.value as never)}
        aria-invalid={errors[key] ? true : undefined}
        data-testid={`promote-${key}`}
      />
    </Field>
  );
  const submit = () => {
    if (blocked) return;
    if (form.mode === 'live') {
      setTyped('');
      setConfirming(true);
    } else props.onDeploy(false);
  };
  return (
    <form
      className="promote"
      data-testid="promote-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <div className="promote-head">
        <ol className="promote-ladder" aria-label="Promotion steps">
          {ladder.map((step) => (
            <li key={step.mode} className={step.mode === form.mode ? 'is-current' : step.mode === 'backtest' ? 'is-done' : ''}>
              {step.mode === 'backtest' ? (
                <span>{step.text}</span>
              ) : (
                <button type="button" aria-pressed={form.mode === step.mode} onClick={() => set('mode', step.mode as PromoteMode)} data-testid={`promote-mode-${step.mode}`}>
                  {step.text}
                  {step.mode !== 'shadow' && gatePass !== null && <span className={`gate-dot ${gatePass ? 'is-pass' : 'is-fail'}`} aria-hidden />}
                </button>
              )}
            </li>
          ))}
        </ol>
        <span className="muted">{modeHelp[form.mode]}</span>
      </div>

      <div className="promote-body">
        <fieldset className="promote-section">
          <legend>Market</legend>
          {text('symbol', 'Symbol', 'BASE/QUOTE')}
          {text('name', 'Name', 'optional')}
          <div className={`field${errors.data ? ' has-error' : ''}`}>
            <div className="study-label">Replay feed</div>
            <DataPicker pick={form.pick} onPick={(pick) => set('pick', pick)} datasets={props.datasets.datasets.data ?? []} graphSource={props.graphSource} upload={props.datasets.upload} uploading={props.datasets.uploading} />
            {errors.data && <div className="field-error">{errors.data}</div>}
          </div>
          {text('barsPerSecond', 'Speed', 'bars/s')}
          {text('startBar', 'Start at bar')}
          <Field id={`${id}-catchUp`} label="After an outage" error={undefined}>
            <select id={`${id}-catchUp`} value={form.catchUp} onChange={(e) => set('catchUp', e.target.value as PromoteForm['catchUp'])} data-testid="promote-catchUp">
              <option value="skip">Skip the stale signals</option>
              <option value="flatten">Flatten the position</option>
              <option value="halt">Halt and ask a person</option>
            </select>
          </Field>
        </fieldset>

        <fieldset className="promote-section">
          <legend>Risk limits</legend>
          <div className="promote-limits">{limitLabels.map(([key, label, unit]) => text(key, label, unit))}</div>
        </fieldset>

        {form.mode === 'live' && (
          <fieldset className="promote-section" data-testid="promote-live">
            <legend>Venue (live)</legend>
            {text('baseUrl', 'Base URL', 'empty for Binance')}
            <label className="promote-check">
              <input type="checkbox" checked={form.sandbox} onChange={(e) => set('sandbox', e.target.checked)} /> Binance testnet
            </label>
            {text('apiKey', 'API key')}
            {text('secret', 'Secret', undefined, 'password')}
            <div className="field-help">Stored envelope-encrypted on the server and never shown again.</div>
          </fieldset>
        )}

        {/* First for paper and live: it is what decides whether they can start. */}
        <fieldset className={`promote-section promote-gate${form.mode === 'shadow' ? '' : ' is-first'}`}>
          <legend>Robustness gate</legend>
          <RobustnessGate gate={props.gate} onReload={props.onReloadGate} onShowStudy={props.onShowStudy} />
        </fieldset>
      </div>

      <div className="promote-foot">
        {(blocked || props.startError) && (
          <span className={props.startError ? 'error-text' : 'muted'} data-testid="promote-blocked">
            {props.startError ?? blocked}
          </span>
        )}
        <span className="tabs-spacer" />
        <button type="submit" className={`button ${form.mode === 'live' ? 'danger' : 'primary'}`} disabled={props.busy || blocked !== null || (props.datasets.uploading && form.pick.kind === 'dataset')} data-testid="promote-start">
          {props.busy ? 'Starting…' : `Start ${modeText[form.mode].toLowerCase()} deployment`}
        </button>
      </div>

      {confirming && (
        <Dialog
          title="Trade live with real money?"
          onClose={() => setConfirming(false)}
          testId="live-dialog"
          actions={
            <>
              <button type="button" className="button" onClick={() => setConfirming(false)} data-autofocus>
                Cancel
              </button>
              <button
                type="button"
                className="button danger"
                disabled={!liveConfirmed(typed)}
                onClick={() => {
                  setConfirming(false);
                  props.onDeploy(true);
                }}
                data-testid="live-confirm"
              >
                Start live trading
              </button>
            </>
          }
        >
          <p>
            This sends real orders for <strong>{form.symbol}</strong> to {form.baseUrl.trim() || (form.sandbox ? 'the Binance testnet' : 'Binance')}. Type <strong className="mono">LIVE</strong> to confirm.
          </p>
          <input type="text" className="live-confirm-input mono" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} aria-label="Type LIVE to confirm" data-testid="live-confirm-input" />
        </Dialog>
      )}
    </form>
  );
}

function Field({ id, label, unit, error, children }: { id: string; label: string; unit?: string; error: string | undefined; children: ReactNode }) {
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>
        {label}
        {unit && <span className="field-tag">{unit}</span>}
      </label>
      {children}
      {error && <div className="field-error">{error}</div>}
    </div>
  );
}
