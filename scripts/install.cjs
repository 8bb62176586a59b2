// Runs when neither a prebuild nor a local compile produced the native addon.
// spatialkit still works: the loader falls back to the bundled WebAssembly build.
console.warn('spatialkit: native addon unavailable (no prebuild for ' + process.platform + '-' + process.arch +
  ' and compiling failed); using the WebAssembly backend. Run `npx spatialkit info` for details.');
