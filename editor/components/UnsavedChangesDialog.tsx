import { useState } from 'react';
import type { PendingLeave } from '../hooks/useUnsavedGuard.ts';
import { Dialog } from './Dialog.tsx';

interface Props {
  name: string;
  pending: PendingLeave;
  /** Resolves to whether the save worked; on failure the dialog stays and the banner says why. */
  onSave: () => Promise<boolean>;
  onClose: () => void;
}

/** Save, discard or stay, before unsaved edits would be thrown away. */
export function UnsavedChangesDialog({ name, pending, onSave, onClose }: Props) {
  const [saving, setSaving] = useState(false);
  const saveAndGo = async () => {
    setSaving(true);
    const ok = await onSave();
    setSaving(false);
    if (!ok) return;
    onClose();
    pending.proceed();
  };
  return (
    <Dialog
      title="Unsaved changes"
      onClose={onClose}
      testId="unsaved-dialog"
      actions={
        <>
          <button type="button" className="button primary small" onClick={() => void saveAndGo()} disabled={saving} data-testid="unsaved-save">
            {saving ? 'Saving…' : 'Save and continue'}
          </button>
          <button
            type="button"
            className="button small danger"
            onClick={() => {
              onClose();
              pending.proceed();
            }}
            disabled={saving}
            data-testid="unsaved-discard"
          >
            Discard changes
          </button>
          <button type="button" className="button small ghost" onClick={onClose} data-testid="unsaved-cancel">
            Cancel
          </button>
        </>
      }
    >
      <p>
        “{name}” has changes that are not saved. Save them before you {pending.what}?
      </p>
    </Dialog>
  );
}
