/** Data sets: IDX and JSON image readers, event tables, deterministic splits, a synthetic event stream. */
package io.energysentinel.trainer.data;
