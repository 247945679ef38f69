package io.k8j.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One page of a list.
 *
 * @param continueToken the token for the next page, or null when this is the last
 * @param remainingItemCount how many objects remain after this page, or -1 when unknown
 */
public record ListResult(
    List<ObjectNode> items, long revision, String continueToken, long remainingItemCount) {}
