package io.kratossync.local;

import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The HTTP limit of the benchmarks: a Spring WebFlux application that reads the body and
 * answers 200 without Kafka, run in a process of its own with the same heap and collector
 * as the ingest, so that the ratio of the two is what the ingest's own work (parsing,
 * checking, publishing) costs.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@RestController
public class TrivialWebFlux {

	@PostMapping(path = "/noop", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<String>> noop(@RequestBody String body) {
		return Mono.just(ResponseEntity.ok("{}"));
	}

	/**
	 * Starts the endpoint on {@code TRIVIAL_PORT}.
	 * @param args ignored
	 */
	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(TrivialWebFlux.class);
		application.setWebApplicationType(WebApplicationType.REACTIVE);
		application.setDefaultProperties(Map.of("server.port", Machine.env("TRIVIAL_PORT", "8090"), "server.address",
				"127.0.0.1", "spring.main.banner-mode", "off"));
		application.run(args);
	}

}
