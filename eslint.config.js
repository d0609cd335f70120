// eslint's flat config (run by `make lint`): the browser code in bot/web/static, ES modules
// loaded without a build step, checked with eslint's recommended rules.
const js = require("@eslint/js");
const globals = require("globals");

module.exports = [
  {
    files: ["bot/web/static/**/*.js"],
    ...js.configs.recommended,
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: globals.browser,
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
  },
];
