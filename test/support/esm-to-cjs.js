/**
 * Jest transform for the few ES-module-only packages the apps require (Node
 * loads them with require(esm); Jest's module system cannot): @nestjs/terminus.
 * Their JavaScript is transpiled to CommonJS, and `import.meta` (which
 * CommonJS lacks) is given its CommonJS equivalents.
 */
const ts = require('typescript');

module.exports = {
  process(source, filename) {
    const meta = source
      .replace(/import\.meta\.url/g, "require('node:url').pathToFileURL(__filename).href")
      .replace(/import\.meta\.dirname/g, '__dirname')
      .replace(/import\.meta\.resolve/g, 'require.resolve');
    const { outputText } = ts.transpileModule(meta, {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, allowJs: true },
    });
    return { code: outputText };
  },
};
