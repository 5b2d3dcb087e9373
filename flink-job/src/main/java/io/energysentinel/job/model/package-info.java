/** What flows between operators, and the per-JVM registry of open model bundles. */
package io.energysentinel.job.model;
