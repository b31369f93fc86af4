// The default inspection window, on its own so that the commands' help can name it without
// loading the classifier.

/** Payload-carrying packets per direction a script sees of each flow, unless configured. */
export const DEFAULT_WINDOW = 10;
