/** The drag-and-drop payload type palette items put on the DataTransfer: the node's catalog type. */
export const nodeDragType = 'application/tradeloom-node';
