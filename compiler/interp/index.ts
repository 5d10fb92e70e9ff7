// The reference interpreter's entry points.
export { evaluate, valuesOf, type Getter } from './evaluate.js';
export { getterFor } from './getter.js';
