// What the keys mean right now: the sections, the help, the block prompt, or the pass-all question.
export type Mode = 'view' | 'help' | 'prompt' | 'confirm';
