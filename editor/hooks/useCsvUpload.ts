import { useState, type ChangeEvent } from 'react';
import { errorMessage, type Dataset } from '../api.ts';

/**
 * A file input's change handler that uploads the chosen CSV and hands the new dataset to `onUploaded`,
 * and the message to show when the server refused it (null otherwise).
 */
export function useCsvUpload(upload: (file: File) => Promise<Dataset>, onUploaded: (dataset: Dataset) => void) {
  const [error, setError] = useState<string | null>(null);
  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setError(null);
    try {
      onUploaded(await upload(file));
    } catch (err) {
      setError(`${file.name} was refused: ${errorMessage(err)}`);
    }
  };
  return { error, clearError: () => setError(null), onFile };
}
