package io.kratossync.ingest;

import io.kratossync.testing.ModuleBoundaryContract;

/** The features of hook-ingest talk through each other's API only. */
class ModuleBoundaryTests extends ModuleBoundaryContract {

	ModuleBoundaryTests() {
		super(HookIngestApplication.class, "hook-ingest");
	}

}
