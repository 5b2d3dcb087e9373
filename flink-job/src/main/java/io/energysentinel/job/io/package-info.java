/** Sources, sinks and the JSON (de)serialisation of records at the job's edges. */
package io.energysentinel.job.io;
