/** Joins an operation with the fragments it spreads; codegen reads the same tagged templates. */
export function graphql(strings: TemplateStringsArray, ...fragments: string[]): string {
  return strings.reduce((text, part, i) => text + part + (fragments[i] ?? ""), "");
}
