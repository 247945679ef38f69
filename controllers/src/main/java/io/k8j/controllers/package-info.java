/** The controller manager and its controllers, one package each. */
package io.k8j.controllers;
