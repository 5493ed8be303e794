import { useCallback, useState } from 'react';
import { api, type Dataset } from '../api.ts';
import { useLoad } from './useLoad.ts';

/** Uploaded CSV datasets: the list, and an upload that resolves to the new dataset or throws the server's reason. */
export function useDatasets() {
  const [list, reload] = useLoad(api.listDatasets);
  const [uploading, setUploading] = useState(false);
  const upload = useCallback(
    async (file: File): Promise<Dataset> => {
      setUploading(true);
      try {
        const dataset = await api.uploadDataset(file.name, await file.text());
        await reload();
        return dataset;
      } finally {
        setUploading(false);
      }
    },
    [reload],
  );
  return { datasets: list, reload, upload, uploading };
}
