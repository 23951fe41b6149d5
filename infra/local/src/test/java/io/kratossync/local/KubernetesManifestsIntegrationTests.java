package io.kratossync.local;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each overlay of {@code infra/k8s} renders ({@code kubectl kustomize}), every rendered
 * resource reads strictly into its Kubernetes API type, and the rules the README promises
 * hold: no credential in any manifest, non-root read-only containers with limits, probes
 * on the management port, no more workers than partitions, each port opened by a network
 * policy to its one party.
 */
class KubernetesManifestsIntegrationTests {

	private static final Path K8S = Path.of("..", "k8s");

	/** Setting names that hold credentials: they come from Secrets only. */
	private static final List<String> CREDENTIALS = List.of("KEYS", "PASSWORD", "TOKEN", "CREDENTIALS", "SECRET");

	@ParameterizedTest
	@ValueSource(strings = { "dev", "prod" })
	void theOverlayRendersIntoValidResourcesThatKeepTheRules(String overlay) throws Exception {
		KubernetesManifests.Read read = KubernetesManifests.read(render(overlay));
		assertThat(read.errors()).as("errors in overlay " + overlay).isEmpty();
		List<HasMetadata> resources = read.resources();

		ConfigMap config = only(resources, ConfigMap.class).get(0);
		assertThat(config.getData().keySet()).as("no credential in the ConfigMap")
			.noneMatch((key) -> CREDENTIALS.stream().anyMatch(key::contains));

		List<Deployment> deployments = only(resources, Deployment.class);
		assertThat(deployments).extracting((d) -> d.getMetadata().getName())
			.containsExactlyInAnyOrder("hook-ingest", "sync-worker");
		for (Deployment deployment : deployments) {
			PodSpec pod = deployment.getSpec().getTemplate().getSpec();
			assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
			assertThat(pod.getAutomountServiceAccountToken()).isFalse();
			for (Container container : pod.getContainers()) {
				String name = deployment.getMetadata().getName();
				assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).as(name).isTrue();
				assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).as(name).isFalse();
				assertThat(container.getSecurityContext().getCapabilities().getDrop()).as(name).containsExactly("ALL");
				assertThat(container.getResources().getLimits()).as(name).containsKeys("cpu", "memory");
				assertThat(container.getResources().getRequests()).as(name).containsKeys("cpu", "memory");
				assertThat(container.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("management");
				assertThat(container.getReadinessProbe().getHttpGet().getPath())
					.isEqualTo("/actuator/health/readiness");
				assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("management");
				for (EnvVar env : container.getEnv()) {
					assertThat(CREDENTIALS.stream().noneMatch(env.getName()::contains) || env.getValue() == null)
						.as(name + " has credential " + env.getName() + " as a literal")
						.isTrue();
				}
				assertThat(container.getEnvFrom()).anyMatch((source) -> source.getSecretRef() != null);
				assertThat(container.getImage()).doesNotEndWith(":latest").contains(":");
			}
		}
		int partitions = Integer.parseInt(config.getData().get("TOPIC_PARTITIONS"));
		Deployment worker = deployments.stream()
			.filter((d) -> d.getMetadata().getName().equals("sync-worker"))
			.findFirst()
			.orElseThrow();
		assertThat(worker.getSpec().getReplicas()).as("workers beyond the partitions would idle")
			.isLessThanOrEqualTo(partitions);

		assertThat(only(resources, HorizontalPodAutoscaler.class)).singleElement()
			.satisfies((hpa) -> assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("hook-ingest"));
		assertThat(only(resources, PodDisruptionBudget.class)).extracting((p) -> p.getMetadata().getName())
			.containsExactlyInAnyOrder("hook-ingest", "sync-worker");

		Map<String, Set<Integer>> opened = only(resources, NetworkPolicy.class).stream()
			.collect(Collectors.toMap((p) -> p.getMetadata().getName(),
					(p) -> (p.getSpec().getIngress() == null) ? Set.of()
							: p.getSpec()
								.getIngress()
								.stream()
								.flatMap((rule) -> rule.getPorts().stream())
								.map(NetworkPolicyPort::getPort)
								.map((port) -> port.getIntVal())
								.collect(Collectors.toSet())));
		assertThat(opened).containsEntry("kratos-sync-default-deny", Set.of())
			.containsEntry("hook-ingest-from-kratos", Set.of(8080))
			.containsEntry("sync-worker-from-application", Set.of(8081))
			.containsEntry("kratos-sync-management-from-monitoring", Set.of(9080, 9081));

		// the topics: by the Job, or declared for Strimzi, with the ConfigMap's
		// partitions
		List<Job> jobs = only(resources, Job.class);
		List<KafkaTopic> topics = only(resources, KafkaTopic.class);
		assertThat(jobs.size() + topics.size()).as("topics created by a Job or declared for Strimzi").isPositive();
		for (KafkaTopic topic : topics) {
			if ("compact".equals(topic.getSpec().getConfig().get("cleanup.policy"))) {
				// the change data capture's positions: one partition, the last position
				// per key
				assertThat(topic.getMetadata().getName()).isEqualTo("kratos-sync.cdc-offsets");
				assertThat(topic.getSpec().getPartitions()).isEqualTo(1);
			}
			else {
				assertThat(topic.getSpec().getPartitions()).isEqualTo(partitions);
			}
		}
		assertThat(resources).allSatisfy((r) -> assertThat(r.getMetadata().getNamespace()).isNotBlank());
	}

	private static String render(String overlay) throws Exception {
		Process process = new ProcessBuilder("kubectl", "kustomize",
				K8S.resolve("overlays").resolve(overlay).toString())
			.start();
		String rendered = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(errors).isZero();
		return rendered;
	}

	private static <T> List<T> only(List<HasMetadata> resources, Class<T> type) {
		return resources.stream().filter(type::isInstance).map(type::cast).toList();
	}

}
