/** VolumeBinding: persistent volume claims against statically provisioned (local) volumes. */
package io.k8j.scheduler.plugins.volumebinding;
