// The YAML parser, loaded on first use: a run whose data come from the build cache (dist/data-cache.json)
// and that reads no user YAML never loads it (~50 ms of start-up). Synchronous (the package's CommonJS
// build through require), so the callers stay as they are.
import { createRequire } from 'node:module';
import type YAMLModule from 'yaml';
import type { DocumentOptions, ParseOptions, SchemaOptions, ToJSOptions } from 'yaml';

type Yaml = typeof YAMLModule;
let yaml: Yaml | undefined;

export function parseYaml(text: string, options?: ParseOptions & DocumentOptions & SchemaOptions & ToJSOptions): unknown {
  yaml ??= createRequire(import.meta.url)('yaml') as Yaml;
  return yaml.parse(text, options);
}
