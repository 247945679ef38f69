/** The batch/v1 group: jobs and cron jobs. */
package io.k8j.apiserver.registry.batch;
