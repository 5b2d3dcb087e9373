/** The job's configuration, parsed once at the edge into a validated record. */
package io.energysentinel.job.config;
