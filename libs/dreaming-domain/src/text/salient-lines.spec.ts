import { diagnosticMessages, informativeLine, remedyOf, salientLines } from './salient-lines';

describe('salient lines of multi-line outputs', () => {
  it('skips wrappers and stack frames for the line that says what failed', () => {
    expect(informativeLine('FAIL\tgithub.com/acme/x [build failed]\n# github.com/acme/x\nx/a.go:12:2: "fmt" imported and not used\nFAIL')).toBe('x/a.go:12:2: "fmt" imported and not used');
    expect(informativeLine('npm ERR! code ELIFECYCLE\nnpm ERR! errno 1\nError: Cannot find module \'left-pad\'\n    at Module._resolveFilename (node:internal/modules:1:1)')).toBe("Error: Cannot find module 'left-pad'");
    expect(informativeLine('E   ModuleNotFoundError: No module named \'billing\'')).toBe("ModuleNotFoundError: No module named 'billing'");
  });

  it('finds the remedy the output states', () => {
    expect(remedyOf('error: failed to push some refs\nhint: Updates were rejected because the tip of your current branch is behind.')).toBe('hint: Updates were rejected because the tip of your current branch is behind.');
    expect(remedyOf('fatal: destination path exists. Use --force to overwrite.')).toBe('Use --force to overwrite.');
    expect(remedyOf('Unknown command "instal". Did you mean install?')).toBe('Did you mean install?');
    expect(remedyOf('permission denied')).toBeUndefined();
  });

  it('returns the informative line and the remedy lines in output order', () => {
    expect(salientLines('compiling\nerror: no such subcommand: `biuld`\n\n\tDid you mean `build`?\nexit status 1')).toEqual(['error: no such subcommand: `biuld`', 'Did you mean `build`?']);
  });

  it('lists the distinct diagnostics of a compiler output without their location', () => {
    expect(diagnosticMessages('# pkg\na.go:1:2: undefined: Foo\nb.go:3:4: undefined: Foo\nc.go:5:6: "os" imported and not used')).toEqual(['undefined: Foo', '"os" imported and not used']);
  });
});
