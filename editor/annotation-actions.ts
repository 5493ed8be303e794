import { createContext, useContext } from 'react';

/**
 * What a comment or group on the canvas can do to the document. Passed by context because React Flow
 * renders node components itself, from a module-scope `nodeTypes`, with only the node's own props.
 */
export interface AnnotationActions {
  setCommentText(id: string, text: string): void;
  setGroupLabel(id: string, label: string): void;
  removeAnnotation(id: string): void;
}

export const AnnotationActionsContext = createContext<AnnotationActions | null>(null);

/** The document's actions, or null where notes and groups are only shown (the version diff): read-only. */
export function useAnnotationActions(): AnnotationActions | null {
  return useContext(AnnotationActionsContext);
}
