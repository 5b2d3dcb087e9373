/** Test support shared by the modules that test against real infrastructure. */
package io.energysentinel.testing;
