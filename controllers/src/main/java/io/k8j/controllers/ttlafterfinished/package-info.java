/** The TTL-after-finished controller: deletes finished Jobs once ttlSecondsAfterFinished passed. */
package io.k8j.controllers.ttlafterfinished;
