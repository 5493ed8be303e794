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

export function useAnnotationActions(): AnnotationActions {
  const actions = useContext(AnnotationActionsContext);
  if (!actions) throw new Error('useAnnotationActions needs an AnnotationActionsContext provider');
  return actions;
}
