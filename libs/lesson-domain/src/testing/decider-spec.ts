/** A decider as the given/when/then helpers see it: fold the history, decide on the state, refuse with a coded error. */
export interface DeciderUnderTest<Command, State, Stored, Record, Code extends string> {
  evolveAll(history: Stored[]): State;
  decide(command: Command, state: State): Record[];
  isError(e: unknown): e is Error & { code: Code };
}

/** `given(history).when(command).then(newEvents)` or `.thenThrows(code)`, for any decider of this library. */
export function givenWhenThen<Command, State, Stored, Record, Code extends string, History>(
  d: DeciderUnderTest<Command, State, Stored, Record, Code>, store: (e: History) => Stored,
) {
  return (history: History[]) => {
    const state = d.evolveAll(history.map(store));
    return {
      when(command: Command) {
        return {
          then(expected: Record[]) {
            expect(d.decide(command, state)).toEqual(expected);
          },
          thenThrows(code: Code, message?: RegExp) {
            let error: unknown;
            try {
              d.decide(command, state);
            } catch (e) {
              error = e;
            }
            expect(d.isError(error)).toBe(true);
            expect((error as { code: Code }).code).toBe(code);
            if (message) expect((error as Error).message).toMatch(message);
          },
        };
      },
    };
  };
}
