// sucrase ships its parser's types under dist/types/, not beside its ES modules (transpile.ts imports the parser)
declare module "sucrase/dist/esm/parser/index.js" {
  export * from "sucrase/dist/types/parser/index";
}
declare module "sucrase/dist/esm/parser/tokenizer/index.js" {
  export * from "sucrase/dist/types/parser/tokenizer/index";
}
declare module "sucrase/dist/esm/parser/tokenizer/types.js" {
  export * from "sucrase/dist/types/parser/tokenizer/types";
}
