package web

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// healthResponse is the body of GET /healthz.
type healthResponse struct {
	Status  string `json:"status"`
	Version string `json:"version,omitempty"`
}

// healthTimeout bounds the database check, so a wedged database answers 503 rather than hanging
// the load balancer's probe.
const healthTimeout = 2 * time.Second

// health answers 200 when the database can be read and (with Options.WriteCheck) written,
// 503 "unavailable" when it cannot be read, 503 "degraded" when reads work but writes fail (a
// full disk: every submission would fail while reads still answer). It needs no credentials
// and reveals nothing but the state.
func (s *Server) health(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), healthTimeout)
	defer cancel()
	if err := s.opts.HealthCheck(ctx); err != nil {
		s.log.Error("health check failed", "error", err.Error())
		c.JSON(http.StatusServiceUnavailable, healthResponse{Status: "unavailable", Version: s.opts.Version})
		return
	}
	if s.opts.WriteCheck != nil {
		if err := s.opts.WriteCheck(ctx); err != nil {
			s.log.Error("health check: writes fail", "error", err.Error())
			c.Header("Retry-After", "5")
			c.JSON(http.StatusServiceUnavailable, healthResponse{Status: "degraded", Version: s.opts.Version})
			return
		}
	}
	c.JSON(http.StatusOK, healthResponse{Status: "ok", Version: s.opts.Version})
}
