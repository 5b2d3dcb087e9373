/** Checks of deploy/ (scrape configs, alert rules and their unit tests, dashboards) with the real tools. */
package io.energysentinel.deploy;
