package io.kratossync.local;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The validator of the Kubernetes manifests finds what a cluster's API server would
 * refuse: a field the type does not have, a value of the wrong type, an unknown kind.
 */
class KubernetesManifestsTests {

	private static final String DEPLOYMENT = """
			apiVersion: apps/v1
			kind: Deployment
			metadata:
			  name: hook-ingest
			spec:
			  %s: 2
			  selector:
			    matchLabels:
			      app: x
			  template:
			    metadata:
			      labels:
			        app: x
			    spec:
			      containers:
			        - name: x
			          image: x:1
			          ports:
			            - containerPort: %s
			""";

	@Test
	void aWellFormedDeploymentReadsWithoutErrors() {
		KubernetesManifests.Read read = KubernetesManifests.read(DEPLOYMENT.formatted("replicas", "8080"));
		assertThat(read.errors()).isEmpty();
		assertThat(read.resources()).hasSize(1);
	}

	@Test
	void aMisspelledFieldIsAnError() {
		KubernetesManifests.Read read = KubernetesManifests.read(DEPLOYMENT.formatted("replica", "8080"));
		assertThat(read.errors()).singleElement()
			.asString()
			.contains("apps/v1/Deployment hook-ingest.spec: no such field [replica] in DeploymentSpec");
	}

	@Test
	void aValueOfTheWrongTypeIsAnError() {
		KubernetesManifests.Read read = KubernetesManifests.read(DEPLOYMENT.formatted("replicas", "\"8080\""));
		assertThat(read.errors()).singleElement()
			.asString()
			.contains("apps/v1/Deployment hook-ingest")
			.contains("Integer");
	}

	@Test
	void anUnknownKindIsAnError() {
		KubernetesManifests.Read read = KubernetesManifests.read("""
				apiVersion: v1
				kind: Secret
				metadata:
				  name: credentials
				stringData:
				  WEBHOOK_API_KEYS: x
				""");
		assertThat(read.errors()).singleElement()
			.asString()
			.contains("v1/Secret credentials: a kind these manifests do not use");
	}

}
