CREATE TABLE "whatsapp_pending_statuses" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"wamid" varchar(255) NOT NULL,
	"status" varchar(20) NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"errors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "whatsapp_integrations" ADD COLUMN "health" varchar(20) DEFAULT 'ok' NOT NULL;--> statement-breakpoint
ALTER TABLE "whatsapp_integrations" ADD COLUMN "last_error" jsonb;--> statement-breakpoint
ALTER TABLE "whatsapp_integrations" ADD COLUMN "unhealthy_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "whatsapp_pending_statuses" ADD CONSTRAINT "whatsapp_pending_statuses_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "whatsapp_pending_statuses_uq" ON "whatsapp_pending_statuses" USING btree ("tenant_id","wamid","status");--> statement-breakpoint
CREATE INDEX "whatsapp_pending_statuses_created_idx" ON "whatsapp_pending_statuses" USING btree ("created_at");