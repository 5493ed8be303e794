// Vite's import suffixes, for the files of this folder: `?worker` bundles a module as a Web Worker,
// `?raw` inlines a file as a string (the node API's .d.ts for Monaco).
declare module '*?worker' {
  const WorkerConstructor: new (options?: { name?: string }) => Worker;
  export default WorkerConstructor;
}

declare module '*?raw' {
  const text: string;
  export default text;
}
