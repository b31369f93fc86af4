export { DEFAULT_HELPER_NICE_STEP, deferHelperThreads, helperNiceStep } from './helper-priority.js';
