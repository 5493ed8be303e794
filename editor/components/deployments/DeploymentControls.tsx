import { useState, type ReactNode } from 'react';
import type { Deployment, DeploymentControlPath } from '../../api.ts';
import { Dialog } from '../Dialog.tsx';
import { availableControls } from './deployment-view.ts';

interface Props {
  deployment: Deployment;
  busy: DeploymentControlPath | null;
  onControl: (what: DeploymentControlPath) => void;
}

/**
 * Pause and resume, re-enable after a halt, release the kill switch, stop, and the kill switch itself,
 * which asks first: it cancels working orders and allows only reducing orders until released.
 */
export function DeploymentControls({ deployment: d, busy, onControl }: Props) {
  const [confirmKill, setConfirmKill] = useState(false);
  const [confirmStop, setConfirmStop] = useState(false);
  const can = availableControls(d);
  const button = (what: DeploymentControlPath, label: string, show: boolean, title: string, extra = '') =>
    show && (
      <button type="button" className={`button small${extra}`} disabled={busy !== null} onClick={() => onControl(what)} title={title} data-testid={`control-${what}`}>
        {busy === what ? `${label}…` : label}
      </button>
    );
  return (
    <div className="deploy-controls" data-testid="deploy-controls">
      {button('pause', 'Pause', can.pause, 'Stop processing bars until resumed; working orders stay.')}
      {button('resume', 'Resume', can.resume, 'Process bars again; missed bars are handled by the catch-up policy.')}
      {button('reenable', 'Re-enable', can.reenable, 'Clear the halt (throttle, drawdown, outage, unknown exposure); the drawdown peak restarts at today’s equity.')}
      {button('release-kill', 'Release kill switch', can.releaseKill, 'Allow new exposure again.')}
      {can.stop && (
        <button type="button" className="button small ghost" disabled={busy !== null} onClick={() => setConfirmStop(true)} title="End the deployment for good." data-testid="control-stop">
          {busy === 'stop' ? 'Stop…' : 'Stop'}
        </button>
      )}
      {can.kill && (
        <button type="button" className="button small danger kill-button" disabled={busy !== null} onClick={() => setConfirmKill(true)} data-testid="kill-switch">
          {busy === 'kill' ? 'Killing…' : 'Kill switch'}
        </button>
      )}
      {confirmStop && (
        <ConfirmControl title="Stop the deployment?" testId="stop" label={`Stop ${d.name}`} onCancel={() => setConfirmStop(false)} onConfirm={() => { setConfirmStop(false); onControl('stop'); }}>
          <strong>{d.name}</strong> stops processing bars for good and cannot be resumed; orders not yet sent are cancelled. The position is left as it is: to
          shrink it first, engage the kill switch and let the strategy reduce.
        </ConfirmControl>
      )}
      {confirmKill && (
        <ConfirmControl title="Engage the kill switch?" testId="kill" label={`Kill ${d.name}`} onCancel={() => setConfirmKill(false)} onConfirm={() => { setConfirmKill(false); onControl('kill'); }}>
          Working orders of <strong>{d.name}</strong> ({d.mode}, {d.symbol}) are cancelled, orders not yet sent are dropped, and no new exposure is allowed: only
          orders that reduce the position. The kill switch stays on, across restarts, until someone releases it.
        </ConfirmControl>
      )}
    </div>
  );
}

/** A control that cannot be undone asks first; Cancel has the focus, so Enter never confirms by accident. */
function ConfirmControl({ title, testId, label, onCancel, onConfirm, children }: { title: string; testId: string; label: string; onCancel: () => void; onConfirm: () => void; children: ReactNode }) {
  return (
    <Dialog
      title={title}
      onClose={onCancel}
      testId={`${testId}-dialog`}
      actions={
        <>
          <button type="button" className="button" onClick={onCancel} data-autofocus>
            Cancel
          </button>
          <button type="button" className="button danger" onClick={onConfirm} data-testid={`${testId}-confirm`}>
            {label}
          </button>
        </>
      }
    >
      <p>{children}</p>
    </Dialog>
  );
}
