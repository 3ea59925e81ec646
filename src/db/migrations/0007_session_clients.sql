ALTER TABLE "auth_sessions" ADD COLUMN "user_agent" varchar(512);--> statement-breakpoint
ALTER TABLE "auth_sessions" ADD COLUMN "ip" varchar(64);--> statement-breakpoint
ALTER TABLE "auth_sessions" ADD COLUMN "last_used_at" timestamp with time zone DEFAULT now() NOT NULL;