// First, so the catalog and strategy requests go out before the app's modules evaluate.
import { bootRequests } from './boot-start.ts';
import { ReactFlowProvider } from '@xyflow/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ReactFlowProvider>
      <App boot={bootRequests} />
    </ReactFlowProvider>
  </StrictMode>,
);
