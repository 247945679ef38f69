/**
 * The Deployment controller, split as upstream's: {@link
 * io.k8j.controllers.deployment.DeploymentController} (handlers and {@code syncDeployment}), {@link
 * io.k8j.controllers.deployment.DeploymentSync} (revisions, new ReplicaSets, proportional scaling,
 * cleanup, status), {@link io.k8j.controllers.deployment.RollingUpdate}, {@link
 * io.k8j.controllers.deployment.Recreate}, {@link io.k8j.controllers.deployment.Rollback} (what a
 * template change back to an old one does to revisions) and {@link
 * io.k8j.controllers.deployment.Progress} (Progressing and Available conditions, deadlines).
 */
package io.k8j.controllers.deployment;
