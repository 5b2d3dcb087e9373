/** The job's operators: parsing, micro-batched scoring with hot model swap, and per-source episode alerting. */
package io.energysentinel.job.functions;
