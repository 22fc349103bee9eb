#!/usr/bin/env node
// Thin launcher: everything lives in the compiled CLI so that this file never needs a build step.
import '../dist/src/cli/main.js';
