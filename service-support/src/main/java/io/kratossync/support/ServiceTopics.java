package io.kratossync.support;

import java.util.List;

/**
 * The topics a service writes or reads, checked against the topic policy at start-up
 * ({@link TopicPolicy}).
 *
 * @param names the topic names
 */
public record ServiceTopics(List<String> names) {
}
