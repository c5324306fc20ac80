// Client types from the server's contract: `npm run codegen` (or `./dev schema`) rewrites
// src/generated/graphql.ts; `./dev test` fails when the committed file differs.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../schema/schema.graphql",
  documents: ["src/data/operations.ts"],
  pluckConfig: { globalGqlIdentifierName: ["graphql"], modules: [{ name: "./gql-tag", identifier: "graphql" }] },
  generates: {
    [process.env["CODEGEN_OUT"] ?? "src/generated/graphql.ts"]: {
      plugins: [
        { add: { content: "// Generated from schema/schema.graphql by `npm run codegen`; do not edit." } },
        "typescript-operations",
      ],
      config: {
        enumsAsTypes: true,
        avoidOptionals: { field: true, inputValue: false },
        scalars: { ID: "string", Date: "string", DateTime: "string", JSON: "unknown", Upload: "File" },
        useTypeImports: true,
        skipTypename: true,
      },
    },
  },
};

export default config;
