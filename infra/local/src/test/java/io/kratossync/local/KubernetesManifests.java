package io.kratossync.local;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads rendered manifests into the Kubernetes API types, strictly: a kind this project
 * does not know, a field the type does not have (the generated model keeps unknown fields
 * aside, they are looked for everywhere) and a value of the wrong type are each an error.
 * The types are those of the API versions the manifests name (fabric8's model of the
 * Kubernetes API, Strimzi's for {@code KafkaTopic}).
 */
final class KubernetesManifests {

	/** The kinds the manifests may hold, by {@code apiVersion/kind}. */
	static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of("v1/ConfigMap", ConfigMap.class, "v1/Service",
			Service.class, "v1/ServiceAccount", ServiceAccount.class, "apps/v1/Deployment", Deployment.class,
			"policy/v1/PodDisruptionBudget", PodDisruptionBudget.class, "autoscaling/v2/HorizontalPodAutoscaler",
			HorizontalPodAutoscaler.class, "networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class, "batch/v1/Job",
			Job.class, "kafka.strimzi.io/v1beta2/KafkaTopic", KafkaTopic.class);

	/** What was read, and what was wrong. */
	record Read(List<HasMetadata> resources, List<String> errors) {
	}

	private static final YAMLMapper YAML = YAMLMapper.builder().build();

	// strict: "3" is no number, a number no string, null no list
	private static final ObjectMapper TYPES = JsonMapper.builder()
		.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
		.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
		.enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
		.build();

	private KubernetesManifests() {
	}

	/**
	 * @param yaml a stream of YAML documents ({@code kubectl kustomize} output)
	 * @return the resources and every error found
	 */
	static Read read(String yaml) {
		List<HasMetadata> resources = new ArrayList<>();
		List<String> errors = new ArrayList<>();
		for (JsonNode document : YAML.readValues(YAML.createParser(yaml), JsonNode.class).readAll()) {
			if (document == null || document.isNull() || document.isEmpty()) {
				continue;
			}
			String kind = document.path("apiVersion").asString() + "/" + document.path("kind").asString();
			String name = kind + " " + document.at("/metadata/name").asString();
			Class<? extends HasMetadata> type = KINDS.get(kind);
			if (type == null) {
				errors.add(name + ": a kind these manifests do not use (known: " + KINDS.keySet() + ")");
				continue;
			}
			try {
				HasMetadata resource = TYPES.readValue(document.toString(), type);
				unknownFields(resource, name, new IdentityHashMap<>(), errors);
				resources.add(resource);
			}
			catch (Exception ex) {
				errors.add(name + ": " + ex.getMessage().lines().findFirst().orElse(""));
			}
		}
		return new Read(resources, errors);
	}

	/**
	 * The model's objects keep fields their type does not have aside: any found is an
	 * error.
	 */
	private static void unknownFields(Object value, String path, Map<Object, Boolean> seen, List<String> errors) {
		if (value == null || seen.put(value, true) != null) {
			return;
		}
		if (value instanceof Collection<?> items) {
			int i = 0;
			for (Object item : items) {
				unknownFields(item, path + "[" + i++ + "]", seen, errors);
			}
			return;
		}
		if (value instanceof Map<?, ?> map) {
			map.forEach((k, v) -> unknownFields(v, path + "." + k, seen, errors));
			return;
		}
		String packageName = value.getClass().getPackageName();
		if (!packageName.startsWith("io.fabric8.kubernetes.api.model") && !packageName.startsWith("io.strimzi.api")) {
			return;
		}
		for (Method getter : value.getClass().getMethods()) {
			if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
					|| !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
				continue;
			}
			Object field;
			try {
				field = getter.invoke(value);
			}
			catch (ReflectiveOperationException | RuntimeException ex) {
				continue;
			}
			if (getter.getName().equals("getAdditionalProperties")) {
				if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
					errors.add(path + ": no such field " + extra.keySet() + " in " + value.getClass().getSimpleName());
				}
				continue;
			}
			unknownFields(field, path + "." + uncapitalize(getter.getName().substring(3)), seen, errors);
		}
	}

	private static String uncapitalize(String name) {
		return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
	}

}
