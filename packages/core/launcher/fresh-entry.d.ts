/**
 * The URL to import for the package at `packageRoot` (a URL ending in /): its
 * dist/bundle/`bundleFile` when that is fresh, else its dist/cli/main.js.
 */
export function freshEntry(packageRoot: URL, bundleFile: string): string;
