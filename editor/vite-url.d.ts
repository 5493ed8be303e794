// Vite's `?url` import suffix: the file is emitted as an asset and the import is its URL (the ELK
// worker script, see layout.ts). Declared here because tsconfig does not load vite/client's types.
declare module '*?url' {
  const url: string;
  export default url;
}
