import { defineConfig } from 'vitest/config';
import { projects } from './vitest.workspace.js';

// vitest 4 reads `test.projects` and ignores vitest.workspace.ts, so the projects are defined
// there (where the layout names them) and handed to vitest here.
export default defineConfig({ test: { projects } });
