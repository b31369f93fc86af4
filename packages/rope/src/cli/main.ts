// Placeholder entry point until the language lands (issue 3).
process.stdout.write('usage: rope check|test|classify|run …  (not implemented yet: the rope language is being built)\n');
