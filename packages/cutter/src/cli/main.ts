// Placeholder entry point until the cut engine lands (issue 6).
process.stdout.write('usage: cutter IP [PORT [IP2 [PORT2]]]  (not implemented yet: the cut engine is being built)\n');
