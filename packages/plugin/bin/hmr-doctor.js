#!/usr/bin/env node
// Committed, so pnpm can link the bin before the build has made dist/ (a fresh clone's install).
import '../dist/cli.js'
